<?xml version='1.0' encoding='UTF-8'?>
<!-- Invented example: two reguleringsplaner written after the SOSI Plan 5.0 GML structure; not a real plan. -->
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:app="http://skjema.geonorge.no/SOSI/produktspesifikasjon/Reguleringsplanforslag/5.0" xmlns:xlink="http://www.w3.org/1999/xlink" gml:id="_samling">
  <gml:boundedBy>
    <gml:Envelope srsName="http://www.opengis.net/def/crs/EPSG/0/25832" srsDimension="2">
      <gml:lowerCorner>564000 7029000</gml:lowerCorner>
      <gml:upperCorner>567000 7031000</gml:upperCorner>
    </gml:Envelope>
  </gml:boundedBy>
  <gml:featureMember>
    <app:Arealplan gml:id="_plan1">
      <app:arealplanId>
        <app:NasjonalArealplanId>
          <app:administrativEnhet>
            <app:AdministrativEnhetskode>
              <app:kommunenummer>5001</app:kommunenummer>
            </app:AdministrativEnhetskode>
          </app:administrativEnhet>
          <app:planidentifikasjon>r20230012</app:planidentifikasjon>
        </app:NasjonalArealplanId>
      </app:arealplanId>
      <app:plantype>35</app:plantype>
      <app:plannavn>Ørneløkka næringsområde, Tulluan</app:plannavn>
      <app:planstatus>3</app:planstatus>
      <app:lovreferanse>6</app:lovreferanse>
      <app:vedtakEndeligPlanDato>2024-02-15</app:vedtakEndeligPlanDato>
    </app:Arealplan>
  </gml:featureMember>
  <gml:featureMember>
    <app:Arealplan gml:id="_plan2">
      <app:arealplanId>
        <app:NasjonalArealplanId>
          <app:administrativEnhet>
            <app:AdministrativEnhetskode>
              <app:kommunenummer>5001</app:kommunenummer>
            </app:AdministrativEnhetskode>
          </app:administrativEnhet>
          <app:planidentifikasjon>r20240007</app:planidentifikasjon>
        </app:NasjonalArealplanId>
      </app:arealplanId>
      <app:plantype>35</app:plantype>
      <app:plannavn>Kontorpark på Søberg</app:plannavn>
      <app:planstatus>2</app:planstatus>
      <app:lovreferanse>6</app:lovreferanse>
    </app:Arealplan>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="_bi1">
      <app:område>
        <gml:Surface gml:id="s1" srsName="http://www.opengis.net/def/crs/EPSG/0/25832">
          <gml:patches>
            <gml:PolygonPatch>
              <gml:exterior>
                <gml:LinearRing>
                  <gml:posList>565000.000 7030000.000 565200.000 7030000.000 565200.000 7030150.000 565000.000 7030150.000 565000.000 7030000.000</gml:posList>
                </gml:LinearRing>
              </gml:exterior>
              <gml:interior>
                <gml:LinearRing>
                  <gml:posList>565080.000 7030060.000 565120.000 7030060.000 565120.000 7030090.000 565080.000 7030090.000 565080.000 7030060.000</gml:posList>
                </gml:LinearRing>
              </gml:interior>
            </gml:PolygonPatch>
          </gml:patches>
        </gml:Surface>
      </app:område>
      <app:arealformål>1340</app:arealformål>
      <app:feltnavn>BI1</app:feltnavn>
      <app:eierform>3</app:eierform>
      <app:arealplan xlink:type="simple" xlink:href="#_plan1"/>
    </app:RpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="_bl1">
      <app:område>
        <gml:MultiSurface gml:id="m4" srsName="urn:ogc:def:crs:EPSG::25832">
          <gml:surfaceMember>
            <gml:Polygon gml:id="g2" srsName="urn:ogc:def:crs:EPSG::25832">
              <gml:exterior>
                <gml:LinearRing>
                  <gml:posList>565250.000 7030000.000 565350.000 7030000.000 565350.000 7030100.000 565250.000 7030100.000 565250.000 7030000.000</gml:posList>
                </gml:LinearRing>
              </gml:exterior>
            </gml:Polygon>
          </gml:surfaceMember>
          <gml:surfaceMember>
            <gml:Polygon gml:id="g3" srsName="urn:ogc:def:crs:EPSG::25832">
              <gml:exterior>
                <gml:LinearRing>
                  <gml:posList>565250.000 7030120.000 565350.000 7030120.000 565350.000 7030180.000 565250.000 7030180.000 565250.000 7030120.000</gml:posList>
                </gml:LinearRing>
              </gml:exterior>
            </gml:Polygon>
          </gml:surfaceMember>
        </gml:MultiSurface>
      </app:område>
      <app:arealformål>1350</app:arealformål>
      <app:feltnavn>BL1</app:feltnavn>
      <app:eierform>3</app:eierform>
      <app:arealplan xlink:type="simple" xlink:href="#_plan1"/>
    </app:RpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="_bfs1">
      <app:område>
        <gml:Polygon gml:id="g5" srsName="EPSG:25832">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>565000.000 7030200.000 565100.000 7030200.000 565100.000 7030300.000 565000.000 7030300.000 565000.000 7030200.000</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealformål>1111</app:arealformål>
      <app:feltnavn>BFS1</app:feltnavn>
      <app:eierform>3</app:eierform>
      <app:arealplan xlink:type="simple" xlink:href="#_plan1"/>
    </app:RpArealformålOmråde>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpBåndleggingSone gml:id="_h710">
      <app:område>
        <gml:Polygon gml:id="g6" srsName="EPSG:25832">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>565240.000 7029990.000 565400.000 7029990.000 565400.000 7030200.000 565240.000 7030200.000 565240.000 7029990.000</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:båndlegging>710</app:båndlegging>
      <app:hensynSonenavn>H710_1 Båndlegging for ny jernbane</app:hensynSonenavn>
      <app:arealplan xlink:type="simple" xlink:href="#_plan1"/>
    </app:RpBåndleggingSone>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpFareSone gml:id="_h310">
      <app:område>
        <gml:Polygon gml:id="g7" srsName="EPSG:25832">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>565000.000 7030000.000 565050.000 7030000.000 565050.000 7030150.000 565000.000 7030150.000 565000.000 7030000.000</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:fare>310</app:fare>
      <app:hensynSonenavn>H310_1 Kvikkleire</app:hensynSonenavn>
      <app:arealplan xlink:type="simple" xlink:href="#_plan1"/>
    </app:RpFareSone>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpFormålGrense gml:id="_grense1">
      <app:grense>
        <gml:LineString srsName="EPSG:25832">
          <gml:posList>565000 7030000 565200 7030000</gml:posList>
        </gml:LineString>
      </app:grense>
    </app:RpFormålGrense>
  </gml:featureMember>
  <gml:featureMember>
    <app:RpArealformålOmråde gml:id="_bk1">
      <app:område>
        <gml:Polygon gml:id="g8" srsName="EPSG:25833">
          <gml:exterior>
            <gml:LinearRing>
              <gml:posList>265833.215 7037904.248 265932.839 7037894.889 265942.197 7037994.512 265842.574 7038003.871 265833.215 7037904.248</gml:posList>
            </gml:LinearRing>
          </gml:exterior>
        </gml:Polygon>
      </app:område>
      <app:arealformål>1310</app:arealformål>
      <app:feltnavn>BK1</app:feltnavn>
      <app:eierform>3</app:eierform>
      <app:arealplan xlink:type="simple" xlink:href="#_plan2"/>
    </app:RpArealformålOmråde>
  </gml:featureMember>
</gml:FeatureCollection>
